-- family_seed_docs (temp): the publications whose priority set a refresh recomputes first.
-- Needs core.document_changes (publications replaced since the last family build). Seeds are the
-- replaced publications and those whose priority set may depend on them: a set drops a claimed
-- application that itself claims another of the document's priorities (families_priority_sets.sql),
-- so a document claiming a replaced publication's application, now or before, is a seed too.
CREATE OR REPLACE TEMP TABLE family_seed_docs AS
SELECT doc_id FROM core.document_changes
UNION
SELECT p.doc_id
FROM core.document_priorities AS p
WHERE p.priority_id IN (
    SELECT d.application_id FROM core.documents AS d SEMI JOIN core.document_changes AS c USING (doc_id)
    UNION ALL
    SELECT previous_application_id FROM core.document_changes
);
