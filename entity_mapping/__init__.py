"""Ocean's entity mapping, a page at a time (`EntityProcessorClass` on the integration class).

Ocean's own `JQEntityProcessor` forks a process pool for every batch and runs each mapping
expression item by item; `processor.py` subclasses it and maps a whole page with one jq
program compiled once (`page_program.py`), keeping Ocean's contract: the same entities, the
same failed/filtered counts, the same warnings and misconfiguration records. Whatever the page
program cannot reproduce exactly goes through Ocean's own path, counted per resource.
`OCEAN_CUSTOM_FAST_MAPPING=false` (`switch.py`) turns it off.

Imports only `core` of the project (its switch), port_ocean and jq.
"""
