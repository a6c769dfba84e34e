"""The pieces of scripts/plot.py: reading a Steppe results file (common, units), the figure
helpers (figure, generic), one module per domain (gas, oil, power, coupling, events) and
the summary table (summary). Matplotlib draws off-screen (Agg)."""
import matplotlib

matplotlib.use("Agg")
