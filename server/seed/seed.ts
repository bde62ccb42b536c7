/**
 * Seeds the Northwind Bank demo room on a fresh install, so the first visitor sees a room in use
 * rather than an empty wall. Runs through the engine like any client would: every command is
 * validated, decided, appended and broadcast.
 */
import type { Logger } from '../log';
import type { Actor, RoomEngine } from '../engine/room-engine';
import { DEMO_ROOM_ID, demoRoomCommands } from './demo-room';

const SEED_ACTOR: Actor = { id: 'seed', name: 'Demo data', role: 'facilitator' };

/** Deterministic command ids (`seed-0001`, ...), so a retried seed is applied at most once. */
export function seedCommandId(index: number): string {
	return `seed-${String(index + 1).padStart(4, '0')}`;
}

/**
 * When the store holds no rooms, builds the demo room command by command. Stops at the first
 * refusal and logs it (a seed that half-applies is still a usable room, and the log says where).
 */
export async function seedDemoRoomIfEmpty(engine: RoomEngine, log: Logger): Promise<void> {
	const rooms = await engine.listRooms();
	if (rooms.length > 0) return;

	const commands = demoRoomCommands();
	for (const [index, command] of commands.entries()) {
		const commandId = seedCommandId(index);
		const result = await engine.execute(DEMO_ROOM_ID, commandId, command, SEED_ACTOR);
		if (!result.ok) {
			log.warn(
				{ roomId: DEMO_ROOM_ID, commandId, commandType: command.type, code: result.code, error: result.message },
				`demo room seeding stopped at ${command.type}: ${result.message}`
			);
			return;
		}
	}
	log.info({ roomId: DEMO_ROOM_ID, commands: commands.length }, `seeded the demo room with ${commands.length} commands`);
}
