"""The IT-system portfolio: what systems the museum runs, who owns them, what data they hold."""
