"""Entrance devices of partner sites: enrolment by a one-time code, the site's PIN, listing and revocation."""
