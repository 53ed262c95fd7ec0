"""Format detection on the real samples and on hand-made heads of other formats."""

import pytest

from roadmap_pipeline.lib.formats.sniff import HEAD_BYTES, sniff


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("uspto/PatentsView-DB__ipg130416.small.xml", "uspto"),
        ("uspto/go-uspto__grant_v4-0-B2.xml", "uspto"),
        ("uspto/alexandria3k__ipgb20221025_wk43.zip", "zip"),
        ("epo-docdb/go-epo-bdds__DE-backfile.xml", "exchange"),
        ("epo-docdb/go-epo-bdds__WO-2022259205-A1_544370561.xml", "exchange"),
        ("epo-ops/patent_client-cassette__biblio_WO2010050748A2.xml", "exchange"),
        ("kipo-kipris/describug__real_kipris_biblio_KR1020200168607.xml", "kipris"),
        ("kipo-kipris/describug__real_kipris_citations_KR1020200168607.xml", "kipris"),
        ("unsupported/PatentPublicData__pap_US20010000044A1.xml", "uspto-pap"),
        ("unsupported/PatentPublicData__sgml_USD435854S1.xml", "uspto-sgml"),
        ("unsupported/lens-api-doc__response-patent_sample_EP2471949A1.json", "lens-json"),
        ("cnipa/cnipa-patent-collector__sqxx_real_response_CN2026104796018.json", "cnipa-json"),
    ],
)
def test_real_samples(fixtures, relative, name):
    head = (fixtures / relative).read_bytes()[:HEAD_BYTES]
    fmt = sniff(head)
    assert fmt.name == name
    assert fmt.supported == (name in {"uspto", "zip", "exchange", "kipris"})


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<us-patent-application dtd-version='v4.5'>", "uspto"),
        (b"<exchange-document country='EP'>", "exchange"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"%PDF-1.7", "pdf"),
        (b"PATN\nWKU  039302180\n", "uspto-aps"),
        (b"Title,Publication number,Priority date,Applicants\n", "csv"),
        (b"<html><body>error</body></html>", "xml-unknown"),
        (b"<?xml version='1.0'?><response><foo/></response>", "xml-unknown"),
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe\x80\x81" * 20, "binary"),
    ],
)
def test_other_heads(head, name):
    assert sniff(head).name == name
