"""The Qualité Tourisme training ledger: training entries, per-agent work settings, the 3-year ledger."""
