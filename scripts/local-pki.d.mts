export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}
export function makePki(
  dir: string,
  name: string,
  options?: { days?: number },
): { ca: string; sign: (who: string) => CertificatePair };
export const LOCAL_BROKER_CN: string;
export const LOCAL_ADMIN_CN: string;
export function localPki(dir: string): {
  ca: string;
  broker: CertificatePair;
  admin: CertificatePair;
  made: boolean;
};
