"""Partner-visit hours (R9): pass visits and other partner visits against the Qualité Tourisme target."""
