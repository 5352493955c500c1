"""What Port did with the entities Ocean sent it (issue 19, part 4).

Ocean upserts each batch the resync handler yields and carries on when Port refuses entities; when
its comparison search also fails, its reconciliation then deletes the refused ones as gone. This
package sees Port's answers and fails the kind instead: `applier.py` (the entity-state applier the
integration class sets: it records, per resync and resource, how many entities Port refused and
Port's own words), `answers.py` (reading Port's answers), `ledger.py` (the record, kept on the
resync's event context) and `check.py` (after a resource's last batch, raise when Port refused any:
Ocean then deletes nothing).

May import: `core`.
"""
