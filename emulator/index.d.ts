import type {
	EmulatorOptions,
	EmulatorState,
	FaultRecord,
	FaultSpec,
	MutableOptions,
	RequestLogEntry,
	ResolvedOptions,
} from './types';

export type * from './types';

/** A running emulator. */
export interface Emulator {
	/** Base URL of the API, `http://127.0.0.1:<port>/`. */
	readonly url: string;
	readonly port: number;
	readonly state: EmulatorState;
	/** Request log, oldest first. The array is live: it grows as requests arrive and reset() empties it. */
	readonly requests: RequestLogEntry[];
	/** A copy of the current options. */
	readonly options: ResolvedOptions;
	/** Registers a fault and returns its record. Throws for an invalid specification. */
	setFault(fault: FaultSpec): FaultRecord;
	/** Returns the active faults with their remaining counts. */
	listFaults(): FaultRecord[];
	clearFaults(): void;
	/** Clears the state, the request log and the faults. Options stay as they are. */
	reset(): void;
	/** Changes options of the running emulator (not port or host) and returns the new options. */
	setOptions(changes: MutableOptions): ResolvedOptions;
	/** Stops listening, ends open connections and cancels pending delays. */
	close(): Promise<void>;
}

/** Starts an emulator on 127.0.0.1 and resolves once it listens. */
export function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

export const DEFAULT_OPTIONS: Readonly<ResolvedOptions>;
