-- Settled notifications are deleted after ordo.notify.retention (notify:retention), oldest first.
create index ix_notification_created on notification (created_at, notification_id);
