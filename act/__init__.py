"""Act on what was found: resources under cases, takedown packages, referral dossiers, FIU exports, offline checks."""
