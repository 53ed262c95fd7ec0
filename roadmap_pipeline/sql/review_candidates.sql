-- Every subclass's candidates as the review workbooks show them: screening, family and representative texts.
SELECT
    p.subclass_key, p.family_id, f.representative_doc_id, f.offices,
    year(f.earliest_priority_date) AS priority_year, t.embed_lang AS text_lang,
    d.title, d.title_lang, d.abstract, d.abstract_lang, d.title_en, d.abstract_en,
    p.matched_terms, p.relevance, p.threshold, p.relevance_method, p.is_valid, p.label,
    coalesce(p.verdict_source, 'model') AS verdict_source, p.model_valid, p.description_valid
FROM taxonomy.subclass_patents AS p
JOIN core.families AS f USING (family_id)
LEFT JOIN core.documents AS d ON d.doc_id = f.representative_doc_id
LEFT JOIN taxonomy.search_texts AS t ON t.family_id = p.family_id
ORDER BY p.subclass_key, p.family_id;
