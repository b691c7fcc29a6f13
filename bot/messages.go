package bot

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/qamqor/qamqor/content"
)

// Message ids of the interface strings in locales/active.*.toml.
const (
	msgGreeting            = "Greeting"
	msgChooseLanguageFirst = "ChooseLanguageFirst"
	msgButtonBack          = "ButtonBack"
	msgButtonMainMenu      = "ButtonMainMenu"
	msgLanguageChanged     = "LanguageChanged"
	msgHelp                = "Help"
	msgKeptDays            = "KeptDays"
	msgSearchFound         = "SearchFound"
	msgSearchOtherLanguage = "SearchOtherLanguage"
	msgSearchNothing       = "SearchNothing"
	msgEmptyMessage        = "EmptyMessage"
	msgUnknownCommand      = "UnknownCommand"
	msgStaleButton         = "StaleButton"
	msgNodeGone            = "NodeGone"
	msgNoSuchButton        = "NoSuchButton"
	msgUnavailable         = "Unavailable"
	msgInternalError       = "InternalError"
	msgSources             = "Sources"
	msgUnsupported         = "Unsupported"
	msgCommandStart        = "CommandStart"
	msgCommandMenu         = "CommandMenu"
	msgCommandLang         = "CommandLang"
	msgCommandHelp         = "CommandHelp"

	msgWhatCanIGet     = "WhatCanIGet"
	msgQuestionOf      = "QuestionOf"
	msgYes             = "Yes"
	msgNo              = "No"
	msgTypeNumber      = "TypeNumber"
	msgNotANumber      = "NotANumber"
	msgOutOfRange      = "OutOfRange"
	msgUseButtons      = "UseButtons"
	msgSummaryTitle    = "SummaryTitle"
	msgChangeAnswer    = "ChangeAnswer"
	msgShowResult      = "ShowResult"
	msgResultIntro     = "ResultIntro"
	msgResultNone      = "ResultNone"
	msgResultUnchecked = "ResultUnchecked"
	msgLabelAmount     = "LabelAmount"
	msgLabelDocuments  = "LabelDocuments"
	msgLabelApply      = "LabelApply"
	msgLabelLegal      = "LabelLegal"
	msgLabelContact    = "LabelContact"
	msgVerified        = "Verified"
	msgUnverified      = "Unverified"
	msgWhyNotButton    = "WhyNotButton"
	msgWhyNotTitle     = "WhyNotTitle"
	msgWhyNotNone      = "WhyNotNone"
	msgNotInRegion     = "NotInRegion"
	msgSaveChecklist   = "SaveChecklist"
	msgChecklistSent   = "ChecklistSent"
	msgChecklistMade   = "ChecklistMade"
	msgChecklistFooter = "ChecklistFooter"
	msgChangeAnswers   = "ChangeAnswers"

	msgSkipped           = "Skipped"
	msgTooFast           = "TooFast"
	msgTooManySearches   = "TooManySearches"
	msgTooManyChecklists = "TooManyChecklists"
	msgTooManyTickets    = "TooManyTickets"
)

// MessageIDs lists every interface string the engine uses, so a test can prove each exists
// in both languages and that the files hold nothing unused.
var MessageIDs = []string{
	msgGreeting, msgChooseLanguageFirst, msgButtonBack, msgButtonMainMenu, msgLanguageChanged,
	msgHelp, msgKeptDays, msgSearchFound, msgSearchOtherLanguage, msgSearchNothing, msgEmptyMessage, msgUnknownCommand, msgStaleButton, msgNodeGone,
	msgNoSuchButton, msgUnavailable, msgInternalError, msgSources, msgUnsupported,
	msgCommandStart, msgCommandMenu, msgCommandLang, msgCommandHelp,
	msgResultUnchecked,
	msgWhatCanIGet, msgQuestionOf, msgYes, msgNo, msgTypeNumber, msgNotANumber, msgOutOfRange, msgUseButtons, msgSummaryTitle, msgChangeAnswer, msgShowResult, msgResultIntro, msgResultNone, msgLabelAmount, msgLabelDocuments, msgLabelApply, msgLabelLegal, msgLabelContact, msgVerified, msgUnverified, msgWhyNotButton, msgWhyNotTitle, msgWhyNotNone, msgNotInRegion, msgSaveChecklist, msgChecklistSent, msgChecklistMade, msgChecklistFooter, msgChangeAnswers,
	msgSkipped, msgTooFast, msgTooManySearches, msgTooManyChecklists, msgTooManyTickets,
}

// translator renders interface strings in one of the supported languages.
type translator struct {
	bundle *i18n.Bundle
	loc    map[content.Lang]*i18n.Localizer
}

func newTranslator(b *i18n.Bundle) *translator {
	t := &translator{bundle: b, loc: map[content.Lang]*i18n.Localizer{}}
	for _, l := range content.Langs {
		t.loc[l] = i18n.NewLocalizer(b, string(l))
	}
	return t
}

// T renders message id in lang. data is a template's data; for KeptDays, data["Days"]
// selects the plural form. A missing message shows its id rather than nothing: tests keep that from
// reaching users.
func (t *translator) T(lang content.Lang, id string, data map[string]any) string {
	loc, ok := t.loc[lang]
	if !ok {
		loc = t.loc[content.RU]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["Days"]; ok && id == msgKeptDays { // the one message with plural forms
		cfg.PluralCount = n
	}
	s, err := loc.Localize(cfg)
	if err != nil {
		return fmt.Sprintf("[%s]", id)
	}
	return s
}

// both renders a message in Kazakh and then Russian, for people whose language is unknown.
func (t *translator) both(id string) string {
	return t.T(content.KK, id, nil) + "\n\n" + t.T(content.RU, id, nil)
}
