"""Providers: where the engine keeps its data (see `base` for the interface)."""
