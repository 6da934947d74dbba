"""Partner sites that admit pass holders."""
