/**
 * Types of the agent console's JavaScript (checked with `// @ts-check`, `npm run typecheck`):
 * the server's console contract, shared with `services/handoff/consoleContract.ts`, plus the
 * API's small reply shapes.
 */
export type {
  AttachmentView,
  CaseDetail,
  CaseSummary,
  CaseView,
  ConsoleEvent,
  ConsoleLabels,
  ConversationView,
  DeliveryState,
  TranscriptView,
  WorkOrderView,
} from '../../services/handoff/consoleContract';

export interface Agent {
  id: string;
  name: string;
  role: 'agent' | 'supervisor';
}

export interface AgentOverview extends Agent {
  online: boolean;
  openCases: number;
  cases: import('../../services/handoff/consoleContract').CaseSummary[];
}

export interface CannedReply {
  id: string;
  title: string;
  text: string;
}

export interface ResolutionOption {
  code: string;
  label: string;
}

export type { Report, ReportBucket } from '../../services/reports/report';
export type { UnrecognizedLine } from '../../services/reports/unrecognized';
/** chart.js's UMD bundle (`/agent/vendor/chart.umd.min.js`) puts its constructor on the page. */
export type ChartConstructor = typeof import('chart.js').Chart;
