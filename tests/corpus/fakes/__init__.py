"""Loopback fakes of the corpus vendors' APIs; each module docstring cites the vendor's docs."""
