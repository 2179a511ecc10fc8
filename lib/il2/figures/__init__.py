"""Figure and explorer helpers for the chapters, one module per chapter."""
