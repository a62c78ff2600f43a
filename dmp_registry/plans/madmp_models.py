"""maDMP (RDA DMP Common Standard 1.2) fields the registry keeps on plans and plan datasets (issue 8)."""
