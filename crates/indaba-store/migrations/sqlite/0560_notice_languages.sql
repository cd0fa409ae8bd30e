-- Owner notices in the contact's language (issue 13): a member
-- organisation's preferred language (a language tag such as "nl"; NULL
-- when not known, and the digest is in English), and the language each
-- digest was written in, in the delivery log (every digest before this
-- migration was in English).
ALTER TABLE organisations ADD COLUMN language TEXT;
ALTER TABLE notice_digests ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
