"""DCAT-AP / DCAT-AP-NO publication of the catalogue."""
