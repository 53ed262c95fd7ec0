-- indicators.subclass_facts rows of one subclass ($subclass_key): its valid families with the attributes indicators use.
DELETE FROM indicators.subclass_facts WHERE subclass_key = $subclass_key;

INSERT INTO indicators.subclass_facts
SELECT
    p.subclass_key,
    s.category,
    f.family_id,
    year(f.earliest_priority_date) AS priority_year,
    f.first_filing_country,
    f.forward_citations,
    f.family_size
FROM taxonomy.subclass_patents AS p
JOIN taxonomy.subclasses AS s USING (subclass_key)
JOIN core.families AS f USING (family_id)
WHERE p.subclass_key = $subclass_key AND p.is_valid;
