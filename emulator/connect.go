package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/seed-f3fa2c9d/azsessions"
)

// Environment variables that the azsessions-emulator command prints, on
// standard error, for a program to connect with (see Connect).
const (
	// EnvEndpoint holds the emulator's endpoint URL.
	EnvEndpoint = "AZSESSIONS_EMULATOR_ENDPOINT"
	// EnvToken holds the bearer token the emulator accepts.
	EnvToken = "AZSESSIONS_EMULATOR_TOKEN"
	// EnvCert holds the path of the certificate file the emulator wrote
	// with -tls; empty for plain HTTP.
	EnvCert = "AZSESSIONS_EMULATOR_CERT"
)

// Connect returns what azsessions.NewClient needs to reach an emulator
// running in another process, such as the azsessions-emulator command:
//
//	opts, cred, err := emulator.Connect(endpoint, token, certFile)
//	client, err := azsessions.NewClient(endpoint, cred, opts)
//
// token is the command's -token ("" gives DefaultToken, which an emulator
// without -token accepts like any other). For an https endpoint, certFile
// is the PEM file the command wrote with -tls, and the options trust
// exactly the certificates in it; with certFile "" they trust the system's
// roots. For an http endpoint certFile must be "", and the options allow
// the credential over plain HTTP: use that only with an emulator, whose
// token guards nothing of value.
func Connect(endpoint, token, certFile string) (*azsessions.ClientOptions, azcore.TokenCredential, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, nil, fmt.Errorf("emulator: the endpoint %q is not an absolute URL", endpoint)
	}
	if token == "" {
		token = DefaultToken
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	opts := &azsessions.ClientOptions{}
	switch u.Scheme {
	case "http":
		if certFile != "" {
			return nil, nil, fmt.Errorf("emulator: a certificate file was given for the plain-HTTP endpoint %s; use its https URL or no certificate", endpoint)
		}
		opts.InsecureAllowCredentialWithHTTP = true
	case "https":
		if certFile != "" {
			pool, err := certPool(certFile)
			if err != nil {
				return nil, nil, err
			}
			transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
	default:
		return nil, nil, fmt.Errorf("emulator: the endpoint %q must be http or https", endpoint)
	}
	opts.Transport = &http.Client{Transport: transport}
	return opts, staticToken(token), nil
}

// certPool reads the PEM certificates of file.
func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("emulator: reading the certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("emulator: " + file + " holds no PEM certificate")
	}
	return pool, nil
}
