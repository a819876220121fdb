"""An inspection station: the kiosk's camera, masking and model, headless, one verdict per part.

`teachbooth station` (kiosk/commands/station.py) runs `Station` (service.py): `presence.py` turns the
masker's frames into parts that appear, settle and leave; `verdict.py` makes the model's answer a
verdict; `csv_log.py` keeps the local record, `outbox.py` the verdicts the broker has not yet taken
and `publisher.py` sends them in order with the station's status and Last Will. The wire contract is
docs/protocol.md (station); docs/architecture.md#station says why it is built this way.
"""
