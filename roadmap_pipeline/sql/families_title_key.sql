-- family_title_key (temp macro): a title as the families' fallback compares it: accents, case, punctuation and a leading article dropped.
CREATE OR REPLACE TEMP MACRO family_title_key(t) AS
    trim(regexp_replace(' ' || regexp_replace(lower(strip_accents(t)), '[^\pL\pN]+', ' ', 'g'), '^ (a|an|the) ', ''));
