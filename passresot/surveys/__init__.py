"""The yearly partner satisfaction survey (Qualité Tourisme: « gestion de la satisfaction partenaires»)."""
