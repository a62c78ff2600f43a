"""Shared building blocks: database base, errors, schemas, permissions, identity, history."""
