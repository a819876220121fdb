"""The kiosk's side of the job protocol: a durable outbox and a client that sends, follows and resends."""
