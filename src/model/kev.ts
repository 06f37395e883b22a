/** The CISA Known Exploited Vulnerabilities catalog, reduced to what scoring needs. */
export interface KevCatalog {
  version: string;
  /** Where it was read from (shown in reports). */
  origin: string;
  cves: ReadonlySet<string>;
}

/** A whole CVE id ("CVE-2021-44228"; four or more digits after the year), any case: what an exception's `match.cve` and a KEV entry's `cveID` must be. */
export const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;
