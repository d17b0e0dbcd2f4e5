-- Where the leader's operator console is (docs/CONSOLE.md), so that a standby's console can link to it.
ALTER TABLE coordinator_leader ADD COLUMN console_url TEXT NOT NULL DEFAULT '';
