-- Where the leader's operator console is (docs/CONSOLE.md), so that a standby's console can link to it.
-- Version 2.16 (issue 16), not 2: other changes of this release may add their own version 2.
ALTER TABLE coordinator_leader ADD COLUMN console_url TEXT NOT NULL DEFAULT '';
