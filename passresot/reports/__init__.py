"""Dysfunction reports (R8): agents report a problem at a partner site; the network admin triages and answers."""
