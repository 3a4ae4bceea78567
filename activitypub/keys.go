package activitypub

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// maxPEMBytes is the largest PEM text ParsePublicKeyPEM and
// ParsePrivateKeyPEM accept: 16 KiB, four times a 4096-bit RSA key.
const maxPEMBytes = 16 << 10

// ParsePublicKeyPEM decodes the "publicKeyPem" of an actor's public key: a
// PKIX "PUBLIC KEY" block (what Mastodon and GoToSocial publish) or a
// PKCS #1 "RSA PUBLIC KEY" block (what some older servers publish). It
// returns an *rsa.PublicKey or an ed25519.PublicKey, or an error wrapping
// [ErrInvalidKey].
func ParsePublicKeyPEM(pemText string) (crypto.PublicKey, error) {
	block, err := decodePEM(pemText)
	if err != nil {
		return nil, err
	}
	var pub crypto.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrInvalidKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	switch pub.(type) {
	case *rsa.PublicKey, ed25519.PublicKey:
		return pub, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrInvalidKey, pub)
}

// ParsePrivateKeyPEM decodes a PKCS #8 "PRIVATE KEY" or PKCS #1
// "RSA PRIVATE KEY" block (the form Mastodon stores) into an
// *rsa.PrivateKey or an ed25519.PrivateKey, for [Signer.Key].
func ParsePrivateKeyPEM(pemText string) (crypto.PrivateKey, error) {
	block, err := decodePEM(pemText)
	if err != nil {
		return nil, err
	}
	var key crypto.PrivateKey
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrInvalidKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	switch key.(type) {
	case *rsa.PrivateKey, ed25519.PrivateKey:
		return key, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrInvalidKey, key)
}

// MarshalPublicKeyPEM encodes an *rsa.PublicKey or ed25519.PublicKey as
// the PKIX "PUBLIC KEY" PEM text actors publish in "publicKeyPem".
func MarshalPublicKeyPEM(pub crypto.PublicKey) (string, error) {
	switch pub.(type) {
	case *rsa.PublicKey, ed25519.PublicKey:
	default:
		return "", fmt.Errorf("%w: %T", ErrInvalidKey, pub)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

func decodePEM(pemText string) (*pem.Block, error) {
	if len(pemText) > maxPEMBytes {
		return nil, fmt.Errorf("%w: PEM text larger than %d bytes", ErrInvalidKey, maxPEMBytes)
	}
	// Some servers publish the PEM with literal "\n" sequences or CRLF.
	pemText = strings.ReplaceAll(pemText, `\n`, "\n")
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrInvalidKey)
	}
	return block, nil
}
