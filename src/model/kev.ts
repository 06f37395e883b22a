/** The CISA Known Exploited Vulnerabilities catalog, reduced to what scoring needs. */
export interface KevCatalog {
  version: string;
  /** Where it was read from (shown in reports). */
  origin: string;
  cves: ReadonlySet<string>;
}
