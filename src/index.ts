/**
 * tcp-teardown as a library: analyse a capture and get, for every TCP connection, how
 * it ended and why. `analyzeFile` returns the whole report; `analyze` streams reports
 * (in first-packet order, or as connections finish) for captures too large to hold.
 */
export { analyze, analyzeFile, type AnalysisResult, type AnalyzeOptions } from './library.js';
export { captureWarnings } from './pipeline/warnings.js';
export type { ConnectionReport } from './diagnosis/report.js';
export type { ConnectionFilter, EndingFilter } from './pipeline/filter.js';
export { EndingSpecError } from './diagnosis/ending-spec.js';
export type { Summary, ProblemGroup } from './sinks/summary.js';
export type { Diagnosis, Detail, DiagnosisFlag, Ending, ResetKind, TimeoutKind, Side, ZeekConnState } from './diagnosis/types.js';
export { DETAILS, DIAGNOSIS_FLAGS, ENDINGS, ZEEK_CONN_STATES } from './diagnosis/types.js';
export { CONNECTION_FLAGS, type ConnectionFlag } from './track/connection.js';
export type { TrackedConnection, SideRecord, EndpointAddress, IcmpRecord } from './track/report.js';
export type { Step } from './state/timeline.js';
export type { TcpState } from './state/tcp-state.js';
export type { TrackerOptions } from './track/tracker.js';
export type { DecodeOptions } from './decode/packet.js';
export type { TunnelKind, TunnelRecord, UdpTunnelKind } from './decode/tunnel.js';
export { CaptureError, type CaptureErrorKind } from './capture/errors.js';
export { HostPatternError } from './pipeline/host-pattern.js';
export type { CaptureInput } from './capture/reader.js';
