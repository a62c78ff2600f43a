"""Curators' priority lists, assessments, worklists and data rescue (issue 7)."""
