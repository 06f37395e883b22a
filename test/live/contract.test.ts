import { collectorContract } from './contract.js';
import { githubWorld, SECRETS, securityHubWorld } from './world.js';
import { alertsFor, makeAsff, makeOcsf } from '../fakes/seed.js';

const asffId = (raw: unknown) => (raw as { Id: string }).Id;
const ocsfId = (raw: unknown) => (raw as { finding_info: { uid: string } }).finding_info.uid;
const alertId = (raw: unknown) => (raw as { html_url: string }).html_url;

const asff = [
  ...Array.from({ length: 230 }, (_, i) => makeAsff(i, { account: i % 2 ? '111122223333' : '444455556666' })),
  ...Array.from({ length: 40 }, (_, i) => makeAsff(1000 + i, { compliance: 'PASSED' })), // filtered out server-side
  ...Array.from({ length: 10 }, (_, i) => makeAsff(2000 + i, { recordState: 'ARCHIVED' })),
  ...Array.from({ length: 15 }, (_, i) => makeAsff(3000 + i, { kind: 'inspector' })), // no Compliance: kept
];
const asffExpected = asff.filter((f) => f.RecordState === 'ACTIVE' && f.Compliance?.Status !== 'PASSED').map(asffId);

collectorContract('Security Hub GetFindings (ASFF)', {
  async healthy() {
    const w = await securityHubWorld({ regions: ['eu-west-1'] }, { findings: asff }, {}, ['111122223333', '444455556666']);
    return { ...w, expectedIds: asffExpected, idOf: asffId, secrets: SECRETS };
  },
  async broken() {
    return { ...(await securityHubWorld({ regions: ['eu-west-1'] }, { findings: asff, fault: (r) => (r.seq >= 2 ? 'internal' : undefined) }, { retries: 1 })), secrets: SECRETS };
  },
});

const ocsf = [
  ...Array.from({ length: 150 }, (_, i) => makeOcsf(i)),
  ...Array.from({ length: 30 }, (_, i) => makeOcsf(500 + i, { compliance: 'Fail' })),
  ...Array.from({ length: 20 }, (_, i) => makeOcsf(700 + i, { compliance: 'Pass' })),
  ...Array.from({ length: 5 }, (_, i) => makeOcsf(900 + i, { status: 'Archived' })),
];
collectorContract('Security Hub GetFindingsV2 (OCSF)', {
  async healthy() {
    const w = await securityHubWorld({ regions: ['eu-west-1'], api: 'ocsf' }, { ocsfFindings: ocsf });
    const expectedIds = ocsf.filter((f) => f.status !== 'Archived' && f.compliance?.status !== 'Pass').map(ocsfId);
    return { ...w, expectedIds, idOf: ocsfId, secrets: SECRETS };
  },
  async broken() {
    return { ...(await securityHubWorld({ regions: ['eu-west-1'], api: 'ocsf' }, { ocsfFindings: ocsf, repeatTokenFromPage: 2 })), secrets: SECRETS };
  },
});

const orgRepos = [
  { owner: 'acme', name: 'payments-api' },
  { owner: 'acme', name: 'payments-web' },
  { owner: 'acme', name: 'old', archived: true },
];
const orgAlerts = {
  'acme/payments-api': alertsFor('acme', 'payments-api', 250),
  'acme/payments-web': alertsFor('acme', 'payments-web', 25),
  'acme/old': alertsFor('acme', 'old', 3),
};

collectorContract('Dependabot org', {
  async healthy() {
    const w = await githubWorld({ org: 'acme' }, { repos: orgRepos, alerts: orgAlerts, numericNextLinks: true }, ['acme/payments-*']);
    return { ...w, expectedIds: Object.values(orgAlerts).flat().map(alertId), idOf: alertId, secrets: SECRETS };
  },
  async broken() {
    return {
      ...(await githubWorld(
        { org: 'acme' },
        { repos: orgRepos, alerts: orgAlerts, fault: (r) => (r.query.has('after') ? { status: 502, body: { message: 'Server Error' } } : undefined) },
        ['acme/payments-*'],
      )),
      secrets: SECRETS,
    };
  },
});

collectorContract('Dependabot repos', {
  async healthy() {
    const w = await githubWorld({ repos: ['acme/payments-*'] }, { repos: orgRepos, alerts: orgAlerts }, ['acme/payments-api']);
    const expectedIds = [...orgAlerts['acme/payments-api'], ...orgAlerts['acme/payments-web']].map(alertId);
    return { ...w, expectedIds, idOf: alertId, secrets: SECRETS };
  },
  async broken() {
    return { ...(await githubWorld({ repos: ['acme/payments-api'] }, { repos: orgRepos, alerts: orgAlerts, repeatCursorFromPage: 1 }, ['acme/payments-api'])), secrets: SECRETS };
  },
});
