"""A small real HTTP API served on 127.0.0.1: the built-in demo's upstream and the tests' fake."""
