"""`ocean-custom preview`: see what a configuration fetches and what Port would receive.

Runs the integration's real fetch code and Ocean's own JQ entity mapping through
`port_ocean.integration_testing` (Port is mocked, so no Port account is needed) and reports,
per resource, the requests made, the pages and why pagination stopped, sample raw items, the
mapped entities and the items that failed mapping, with the reason.
"""
