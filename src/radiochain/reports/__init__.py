"""Figures and reports made from results (Matplotlib PNG, self-contained HTML)."""
