/**
 * What the server (and any other caller) uses of notifications, in one
 * place: parse the sections, derive events from reports, route them to
 * channels, send a batch, hand reports to DefectDojo or Security Hub. The
 * server keeps its outbox in its store; the CLI uses outbox.ts/notifier.ts.
 */
export { parseNotifications, parseTracking, TRIGGERS, CHANNEL_KINDS } from './config.js';
export type { ChannelConfig, NotificationsConfig, TrackingConfig, Trigger, RateLimit } from './config.js';
export { eventsFromScan, previousFromReport, repositoryOf, scanFailedEvent, weeklyReportEvent } from './events.js';
export type { NotifyEvent, EventFinding, PreviousScan } from './events.js';
export { checkChannelSecrets, maxBatch, previewBatch, routeEvents, sendBatch } from './send.js';
export type { SendContext } from './send.js';
export { Redactor, readSecret } from './secrets.js';
export { DeliveryError } from './channels/http.js';
export { backoffMs } from './outbox.js';
export { pushDefectDojo, dojoUpload } from './tracking/defectdojo.js';
export { pushSecurityHub, securityHubFindings } from './tracking/securityhub.js';
export { sendingSections, loadSendingConfig } from './load.js';
