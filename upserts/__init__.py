"""What Port did with the entities Ocean sent it (issue 19, part 4).

Ocean upserts each batch the resync handler yields and carries on when Port refuses entities; when
its comparison search also fails, its reconciliation then deletes the refused ones as gone. This
package sees Port's answers and fails the kind instead: `applier.py` (the entity-state applier the
integration class sets: it records, per resync and resource, how many entities Port refused and
Port's own words), `answers.py` (reading Port's answers), `ledger.py` (the record, kept on the
resync's event context) and `check.py` (after a resource's last batch, once its upserts have ended,
raise when Port refused any: Ocean then deletes nothing).

Issue 21 puts Port's calls in flight together, in Ocean's order's outcome: `in_flight.py` (a
batch's upserts in the background while Ocean maps and compares the next, chained, at most two
batches, an entity still being written waited for before it is compared) and `comparison.py`
(Ocean's comparison search, several requests at once). `OCEAN_CUSTOM_CONCURRENT_PORT_CALLS=false`
restores Ocean's order.

May import: `core`.
"""
