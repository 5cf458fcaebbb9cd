"""Generators of inputs shaped like the real ones (camera photos, office spreadsheets), for tests and scripts."""
