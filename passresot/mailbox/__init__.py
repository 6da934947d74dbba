"""Mail that leaves the request: messages are queued in the database and sent by `flask send-mail`
(cron, every minute: DEPLOY.md), so an import or a report answers at once whatever SMTP does."""
