// WebAuthn Level 3's JSON forms (§5.1.8, §5.4 `parseCreationOptionsFromJSON`, §5.5): what the options
// answer carries to the browser and what `PublicKeyCredential.toJSON()` sends back. Only the members
// this server writes or reads (docs/passkeys.md, "Routes").

export type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

export interface CredentialDescriptorJSON {
  readonly id: string;
  readonly transports: AuthenticatorTransport[];
  readonly type: 'public-key';
}

export interface CreationOptionsJSON {
  readonly challenge: string;
  readonly rp: { readonly name: string; readonly id: string };
  readonly user: { readonly id: string; readonly name: string; readonly displayName: string };
  readonly pubKeyCredParams: { readonly alg: number; readonly type: 'public-key' }[];
  readonly timeout: number;
  readonly attestation: 'none';
  readonly excludeCredentials: CredentialDescriptorJSON[];
  readonly authenticatorSelection: {
    readonly residentKey: 'required';
    readonly userVerification: 'required';
    readonly requireResidentKey: true;
  };
  readonly extensions: { readonly credProps: true };
  readonly hints: string[];
}

export interface RequestOptionsJSON {
  readonly rpId: string;
  readonly challenge: string;
  readonly allowCredentials: CredentialDescriptorJSON[];
  readonly timeout: number;
  readonly userVerification: 'required';
}

export interface RegistrationResponseJSON {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: {
    readonly clientDataJSON: string;
    readonly attestationObject: string;
    readonly transports: AuthenticatorTransport[];
  };
  readonly clientExtensionResults: Record<string, unknown>;
}

export interface AuthenticationResponseJSON {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: {
    readonly clientDataJSON: string;
    readonly authenticatorData: string;
    readonly signature: string;
    readonly userHandle?: string;
  };
  readonly clientExtensionResults: Record<string, unknown>;
}
