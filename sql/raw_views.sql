-- Views over the raw tables of every source (five offices' dumps and analyst exports): every parsed record of every dump, one relation per kind.
CREATE OR REPLACE VIEW raw.all_documents AS
    SELECT * FROM raw.kipo_documents UNION ALL BY NAME SELECT * FROM raw.uspto_documents
    UNION ALL BY NAME SELECT * FROM raw.jpo_documents UNION ALL BY NAME SELECT * FROM raw.cnipa_documents
    UNION ALL BY NAME SELECT * FROM raw.epo_documents
    UNION ALL BY NAME SELECT * FROM raw.exports_documents;
CREATE OR REPLACE VIEW raw.all_priorities AS
    SELECT * FROM raw.kipo_priorities UNION ALL BY NAME SELECT * FROM raw.uspto_priorities
    UNION ALL BY NAME SELECT * FROM raw.jpo_priorities UNION ALL BY NAME SELECT * FROM raw.cnipa_priorities
    UNION ALL BY NAME SELECT * FROM raw.epo_priorities
    UNION ALL BY NAME SELECT * FROM raw.exports_priorities;
CREATE OR REPLACE VIEW raw.all_classifications AS
    SELECT * FROM raw.kipo_classifications UNION ALL BY NAME SELECT * FROM raw.uspto_classifications
    UNION ALL BY NAME SELECT * FROM raw.jpo_classifications UNION ALL BY NAME SELECT * FROM raw.cnipa_classifications
    UNION ALL BY NAME SELECT * FROM raw.epo_classifications
    UNION ALL BY NAME SELECT * FROM raw.exports_classifications;
CREATE OR REPLACE VIEW raw.all_parties AS
    SELECT * FROM raw.kipo_parties UNION ALL BY NAME SELECT * FROM raw.uspto_parties
    UNION ALL BY NAME SELECT * FROM raw.jpo_parties UNION ALL BY NAME SELECT * FROM raw.cnipa_parties
    UNION ALL BY NAME SELECT * FROM raw.epo_parties
    UNION ALL BY NAME SELECT * FROM raw.exports_parties;
CREATE OR REPLACE VIEW raw.all_citations AS
    SELECT * FROM raw.kipo_citations UNION ALL BY NAME SELECT * FROM raw.uspto_citations
    UNION ALL BY NAME SELECT * FROM raw.jpo_citations UNION ALL BY NAME SELECT * FROM raw.cnipa_citations
    UNION ALL BY NAME SELECT * FROM raw.epo_citations
    UNION ALL BY NAME SELECT * FROM raw.exports_citations;
