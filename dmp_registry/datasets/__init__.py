"""Datasets, their distributions and storage locations."""
