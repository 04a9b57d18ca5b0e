import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	deepCopy,
	ICredentials,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UnexpectedError,
} from 'n8n-workflow';

/** Credential data kept in memory as JSON text, where n8n keeps it encrypted in its database. */
class InMemoryCredentials extends ICredentials {
	async getData(): Promise<ICredentialDataDecryptedObject> {
		if (this.data === undefined) {
			throw new UnexpectedError(`Credentials of type "${this.type}" have no data`);
		}
		return JSON.parse(this.data) as ICredentialDataDecryptedObject;
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: this.data };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = JSON.stringify(data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const updated = { ...(await this.getData()), ...toUpdate };
		for (const key of toDelete) delete updated[key];
		await this.setData(updated as ICredentialDataDecryptedObject);
	}
}

/**
 * The credentials helper of one harness run. It holds the credential data in memory and
 * otherwise follows `CredentialsHelper` of n8n's CLI (packages/cli/src/credentials-helper.ts
 * in n8n 2.x): stored data gets the credential type's defaults and has its expressions
 * resolved, and `authenticate` is applied in both forms, a function or a generic object.
 *
 * NOTE: credential overwrites, external secrets, dynamic credentials and the domain
 * allowlist that the CLI applies around `preAuthentication` are not reproduced.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly stored = new Map<string, InMemoryCredentials>();

	/** How many times `getDecrypted` ran, which is what reading a credential costs in n8n. */
	reads = 0;

	constructor(
		private readonly credentialTypes: ReadonlyMap<string, ICredentialType>,
		credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly workflow: Workflow,
		private readonly node: INode,
	) {
		super();
		for (const [type, data] of Object.entries(credentials)) {
			const nodeCredentials = node.credentials?.[type] ?? { id: null, name: type };
			const entry = new InMemoryCredentials(nodeCredentials, type, JSON.stringify(data));
			this.stored.set(type, entry);
		}
	}

	private getCredentialType(name: string): ICredentialType {
		const credentialType = this.credentialTypes.get(name);
		if (credentialType === undefined) {
			throw new UnexpectedError(
				`Credential type "${name}" is unknown to the harness: pass it in credentialTypes`,
			);
		}
		return credentialType;
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const definition = this.credentialTypes.get(credentialType);
		if (definition?.restrictToSupportedNodes !== true) return true;

		// `supportedNodes` holds node names without the package prefix.
		const nodeName = nodeType.slice(nodeType.lastIndexOf('.') + 1);
		return definition.supportedNodes?.includes(nodeName) ?? false;
	}

	/**
	 * Adds the credential's authentication to the request. A function receives the decrypted
	 * credentials and the request options. A generic object lists, per request option
	 * (`headers`, `qs`, `body`, `auth`), keys and values that may be expressions over
	 * `$credentials`, resolved with the node's workflow as the CLI does.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (authenticate === undefined) return requestOptions;

		if (workflow === undefined || node === undefined) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		requestOptions.headers ??= {};
		if (authenticate.type !== 'generic') return requestOptions;

		const resolve = (value: string) => {
			if (!isExpression(value)) return value;
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved ? resolved.toString() : '';
		};

		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [option, entries] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[option] ??= {};
				target[option][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	/**
	 * Runs the credential's `preAuthentication` (for example a token request) when its
	 * expirable hidden field is empty or the token has expired, stores the returned fields
	 * and merges them into `credentials`.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;

		const nodeCredentials = node.credentials?.[typeName];
		if (nodeCredentials === undefined) return undefined;

		// As in the CLI, a stored expression is kept rather than replaced by its value of this run.
		const stored = await (await this.getCredentials(nodeCredentials, typeName)).getData();
		const toSave: ICredentialDataDecryptedObject = { ...stored };
		for (const [key, value] of Object.entries(output)) {
			if (key === expirable.name || !isExpression(stored[key])) toSave[key] = value;
		}
		await this.updateCredentials(nodeCredentials, typeName, toSave);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.getCredentialType(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		const output = await preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<InMemoryCredentials> {
		const entry = this.stored.get(type);
		if (entry === undefined) {
			throw new UnexpectedError(
				`No credentials of type "${type}" were given to the harness: add them to credentials`,
			);
		}
		return entry;
	}

	/**
	 * Returns the stored data of a credential type with the type's defaults filled in and
	 * expressions resolved against the current item, as the CLI does at execution time.
	 */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads += 1;
		const storedData = await (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return storedData;

		const decryptedData = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			storedData as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		// OAuth token data is not declared as a credential property, so the step above drops it.
		if (storedData.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = storedData.oauthTokenData;
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues === undefined) {
			return this.workflow.expression.getComplexParameterValue(
				this.node,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}

		let resolveError: Error | undefined;
		try {
			return expressionResolveValues.workflow.expression.getParameterValue(
				decryptedData as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		} catch (error) {
			resolveError = error as Error;
		}
		// The CLI marks the failing expression's error in place and rethrows it.
		resolveError.message += ' [Error resolving credentials]';
		throw resolveError;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await (await this.getCredentials(nodeCredentials, type)).setData(deepCopy(data));
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const entry = await this.getCredentials(nodeCredentials, type);
		await entry.updateData({ oauthTokenData: deepCopy(data.oauthTokenData) });
	}

	/** Returns the credential type's properties, merged with those of the types it extends. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		if (credentialType.extends === undefined) {
			if (type !== 'oAuth1Api' && type !== 'oAuth2Api') return credentialType.properties;
			const tokenData: INodeProperties = {
				displayName: 'oauthTokenData',
				name: 'oauthTokenData',
				type: 'json',
				required: false,
				default: {},
			};
			return [...credentialType.properties, tokenData];
		}

		// Properties of the extending type take precedence over those of its parents.
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
