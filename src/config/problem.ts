/** One problem in assets.yaml (or another config file), located by file, line, column and path. */
export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  /** Dotted path to the bad value: "assets[2].aws.resources[0]". */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}
