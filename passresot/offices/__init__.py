"""Tourist offices (OT) of the network."""
