"""The audit evidence pack: what an external Qualité Tourisme auditor asks an office for."""
