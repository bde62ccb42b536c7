/**
 * Shapes a message's body for an endpoint: the raw Standard Webhooks envelope, a Slack incoming
 * webhook's `{ text }`, or a Microsoft Teams workflow's message with one Adaptive Card (the shape the
 * "When a Teams webhook request is received" trigger posts to a channel). Chat presets carry one
 * sentence and a link back to the room.
 */
import { assertNever } from '../../src/lib/domain';
import type { WebhookPreset } from '../../src/lib/protocol/webhooks';
import type { WebhookMessage } from './messages';

/** Slack's link syntax treats `<`, `>` and `&` as markup: escaped as Slack asks. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The JSON body sent to an endpoint with this preset. */
export function shapeBody(preset: WebhookPreset, message: WebhookMessage, roomUrl: string): unknown {
	const roomName = String(message.body.data.roomName ?? message.roomId);
	switch (preset) {
		case 'raw':
			return { ...message.body, data: { ...message.body.data, roomUrl } };
		case 'slack':
			return { text: `${slackEscape(message.text)} <${roomUrl}|Open ${slackEscape(roomName)}>` };
		case 'teams':
			return {
				type: 'message',
				attachments: [
					{
						contentType: 'application/vnd.microsoft.card.adaptive',
						contentUrl: null,
						content: {
							$schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
							type: 'AdaptiveCard',
							version: '1.4',
							body: [
								{ type: 'TextBlock', text: roomName, weight: 'Bolder', size: 'Medium', wrap: true },
								{ type: 'TextBlock', text: message.text, wrap: true }
							],
							actions: [{ type: 'Action.OpenUrl', title: `Open ${roomName}`, url: roomUrl }]
						}
					}
				]
			};
		default:
			return assertNever(preset);
	}
}
