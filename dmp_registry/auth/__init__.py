"""Accounts, API tokens and the identity of the current request."""
